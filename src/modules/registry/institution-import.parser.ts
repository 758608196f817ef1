import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ErrorDetail } from '../../domain/domain-error';
import { assertInstitutionTableShape } from '../../domain/institution-registry';
import { Table } from '../../common/tabular-file';
import { flattenValidationErrors } from '../../common/validation';
import { CreateInstitutionDto } from './dto/registry.dto';
import { InstitutionRow, toInstitutionRow } from './institution.service';

/** Accepted column headers: the API field names, or the Chinese headers finance offices use. */
const HEADER_ALIASES: Record<string, keyof CreateInstitutionDto> = {
  code: 'code',
  机构编码: 'code',
  name: 'name',
  机构名称: 'name',
  type: 'type',
  机构类型: 'type',
  countyCode: 'countyCode',
  统筹区编码: 'countyCode',
  communityCode: 'communityCode',
  医共体编码: 'communityCode',
  parentCode: 'parentCode',
  上级机构编码: 'parentCode',
  nationalCode: 'nationalCode',
  fixmedins_code: 'nationalCode',
  定点医药机构编号: 'nationalCode',
};
const REQUIRED: (keyof CreateInstitutionDto)[] = ['code', 'name', 'type', 'countyCode'];

/** Maps an uploaded table to institution rows; rows with shape errors come back as errors with their row number. */
export function parseInstitutionTable(table: Table): { rows: InstitutionRow[]; errors: ErrorDetail[] } {
  const fieldOf = new Map<string, keyof CreateInstitutionDto>();
  const headerErrors: ErrorDetail[] = [];
  for (const header of table.headers) {
    const field = HEADER_ALIASES[header];
    if (!field)
      headerErrors.push({
        row: 1,
        field: header,
        rule: 'unknownColumn',
        message: `unknown column "${header}"; expected ${Object.keys(HEADER_ALIASES).join(', ')}`,
      });
    else if ([...fieldOf.values()].includes(field))
      // Two headers naming one field (e.g. code and 机构编码): the last would silently win.
      headerErrors.push({ row: 1, field: header, rule: 'uniqueColumn', message: `column ${header} repeats field ${field}` });
    else fieldOf.set(header, field);
  }
  const present = new Set(fieldOf.values());
  for (const field of REQUIRED)
    if (!present.has(field)) headerErrors.push({ row: 1, field, rule: 'requiredColumn', message: `column ${field} is missing` });
  assertInstitutionTableShape(headerErrors, table.rows.length);

  const rows: InstitutionRow[] = [];
  const errors: ErrorDetail[] = [];
  for (const { row, values } of table.rows) {
    const plain: Record<string, string> = {};
    for (const [header, value] of Object.entries(values)) if (value !== '') plain[fieldOf.get(header)!] = value;
    const dto = plainToInstance(CreateInstitutionDto, plain);
    const problems = flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
    if (problems.length) errors.push(...problems.map((p) => ({ ...p, row })));
    else rows.push(toInstitutionRow(dto, row));
  }
  return { rows, errors };
}
