import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { ACCESS_RULE, AccessRule, PUBLIC_ROUTE } from '../../common/access.decorators';

export interface RouteAccess {
  method: string;
  /** Fastify-style path with `:params`, including the global prefix. */
  path: string;
  public: boolean;
  rule: AccessRule | null;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every controller route with the access rule it declares, read from the controllers' metadata. */
export function routeAccessInventory(app: INestApplicationContext, prefix: string, unprefixed: (path: string) => boolean): RouteAccess[] {
  const discovery = app.get(DiscoveryService);
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const out: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance) continue;
    const controllerClass = instance.constructor;
    const base = [reflector.get<string | string[]>(PATH_METADATA, controllerClass) ?? ''].flat()[0];
    const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const routePath = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (routePath === undefined) continue;
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)];
      const path = join(base, [routePath].flat()[0]);
      const isPublic = Boolean(reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, controllerClass]));
      out.push({
        method,
        path: unprefixed(path) ? path : join(prefix, path),
        public: isPublic,
        rule: reflector.get<AccessRule>(ACCESS_RULE, handler) ?? null,
      });
    }
  }
  return out;
}
