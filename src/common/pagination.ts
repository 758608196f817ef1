import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** `page` (from 1) and `pageSize` (1..500) of every list route; a list's query DTO extends it with its filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize: number = 50;
}

/** The one answer of every list route; a list with a summary adds it as further top-level keys. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** Which rows a page holds: `LIMIT pageSize OFFSET (page - 1) × pageSize`. */
export interface PageWindow {
  page: number;
  pageSize: number;
}

export function pageOffset(w: PageWindow): number {
  return (w.page - 1) * w.pageSize;
}

/** A page whose rows SQL already cut out (LIMIT/OFFSET), with the COUNT of every matching row. */
export function pageOf<T>(items: T[], total: number, w: PageWindow): Page<T> {
  return { items, page: w.page, pageSize: w.pageSize, total };
}

/** A page cut from a list that is bounded by nature (a few dozen rows at most), so it is loaded whole. */
export function pageInMemory<T>(all: T[], w: PageWindow): Page<T> {
  const from = pageOffset(w);
  return { items: all.slice(from, from + w.pageSize), page: w.page, pageSize: w.pageSize, total: all.length };
}

/**
 * Describes the list envelope in the OpenAPI document: `items` (of `model` when it is a class, plain objects
 * otherwise), `page`, `pageSize`, `total`, and any summary keys the list adds.
 */
export function ApiPageResponse(
  model?: ClassType<unknown>,
  extra: Record<string, { type: string; description?: string } | { $ref: string }> = {},
): MethodDecorator & ClassDecorator {
  const items = model ? { $ref: getSchemaPath(model) } : { type: 'object' };
  return applyDecorators(
    ...(model ? [ApiExtraModels(model)] : []),
    ApiOkResponse({
      description: 'one page of the list',
      schema: {
        type: 'object',
        required: ['items', 'page', 'pageSize', 'total', ...Object.keys(extra)],
        properties: {
          items: { type: 'array', items },
          page: { type: 'integer', minimum: 1 },
          pageSize: { type: 'integer', minimum: 1, maximum: 500 },
          total: { type: 'integer', minimum: 0, description: 'rows matching the filters, over every page' },
          ...extra,
        },
      },
    }),
  );
}

/** Every item of a paged list (an export), read 500 at a time. */
export async function everyItem<T>(read: (window: PageWindow) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; ; page++) {
    const { items, total } = await read({ page, pageSize: 500 });
    all.push(...items);
    if (items.length < 500 || all.length >= total) return all;
  }
}
