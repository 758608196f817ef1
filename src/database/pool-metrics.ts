import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MetricSample, ServiceMetrics } from '../common/service-metrics';

/** The parts of a mysql2 pool its counts are read from (not in its typings: they are the pool's own queues). */
interface Mysql2PoolQueues {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** Connections of this process's MySQL pool: open, in use, and requests waiting for one. */
export function poolUsage(dataSource: DataSource): { open: number; inUse: number; waiting: number } {
  const pool = (dataSource.driver as unknown as { pool?: Mysql2PoolQueues }).pool;
  const open = pool?._allConnections?.length ?? 0;
  const free = pool?._freeConnections?.length ?? 0;
  return { open, inUse: open - free, waiting: pool?._connectionQueue?.length ?? 0 };
}

/** The MySQL pool as a metric, read at every scrape (it costs no query). */
@Injectable()
export class DatabasePoolMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: ServiceMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.register({
      name: 'db-pool',
      cacheMs: 0,
      families: [
        { name: 'cbm_db_pool_connections', help: 'MySQL pool connections of this process, by state (in_use, idle).', type: 'gauge' },
        { name: 'cbm_db_pool_waiting', help: 'Queries of this process waiting for a free MySQL pool connection.', type: 'gauge' },
        { name: 'cbm_db_pool_size', help: 'The most connections the MySQL pool opens (DB_POOL_SIZE).', type: 'gauge' },
      ],
      read: async (): Promise<MetricSample[]> => {
        const { open, inUse, waiting } = poolUsage(this.dataSource);
        return [
          { family: 'cbm_db_pool_connections', labels: { state: 'in_use' }, value: inUse },
          { family: 'cbm_db_pool_connections', labels: { state: 'idle' }, value: open - inUse },
          { family: 'cbm_db_pool_waiting', labels: {}, value: waiting },
          { family: 'cbm_db_pool_size', labels: {}, value: this.config.db.poolSize },
        ];
      },
    });
  }
}
