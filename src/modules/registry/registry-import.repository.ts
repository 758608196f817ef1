import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RegistryImport, RegistryImportStatus } from './registry-import.entity';

export type NewRegistryImport = Pick<
  RegistryImport,
  'id' | 'status' | 'onError' | 'fileSha256' | 'content' | 'rowCount' | 'countyId' | 'submittedBy' | 'requestId'
>;

/** Every statement on registry_import. */
@Injectable()
export class RegistryImportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(record: NewRegistryImport): Promise<void> {
    await this.dataSource.manager.insert(RegistryImport, record);
  }

  /** An import taken within the request, recorded as finished. */
  async insertFinished(record: NewRegistryImport, outcome: string): Promise<void> {
    await this.dataSource.manager.insert(RegistryImport, { ...record, outcome, finishedAt: new Date() });
  }

  /** Without the file content. */
  find(id: string): Promise<RegistryImport | null> {
    return this.dataSource.manager.findOne(RegistryImport, { where: { id } });
  }

  findWithContent(id: string): Promise<RegistryImport | null> {
    return this.dataSource
      .getRepository(RegistryImport)
      .createQueryBuilder('r')
      .addSelect('r.content')
      .where('r.id = :importId', { importId: id })
      .getOne();
  }

  /** The county an import belongs to: undefined when the import does not exist. */
  async countyOf(id: string): Promise<number | null | undefined> {
    const [row]: { county_id: number | null }[] = await this.dataSource.query('SELECT county_id FROM registry_import WHERE id = ?', [id]);
    return row ? row.county_id : undefined;
  }

  async markRunning(id: string): Promise<void> {
    await this.dataSource.getRepository(RegistryImport).update({ id }, { status: 'RUNNING' });
  }

  async finish(id: string, status: RegistryImportStatus, outcome: string): Promise<void> {
    await this.dataSource.getRepository(RegistryImport).update({ id }, { status, outcome, finishedAt: new Date() });
  }
}
