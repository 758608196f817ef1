/**
 * The application's DataSource for TypeORM's own CLI, e.g. to draft a migration from entity
 * changes (review it before committing):
 *   npx typeorm migration:generate -d dist/src/cli/typeorm-data-source.js migrations/<Name>
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from '../database/data-source';

export default new DataSource(buildDataSourceOptions(loadConfig().db));
