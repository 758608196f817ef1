/** Access's public surface: sign-in, users, API tokens, and the route access decorators. */
export { AccessModule } from './access.module';
export { AuthService, type TokenPair } from './auth.service';
export { UserService, type UserView } from './user.service';
export { ApiTokenService, type ApiTokenView } from './api-token.service';
export { routeAccessInventory, type RouteAccess } from './route-inventory';
export { Access, ANY_ROLE, type AccessRule, Public, type TargetKind } from '../../common/access.decorators';
// Until the claims queries build their own scope condition.
export { scopeWhere } from './scope-sql';
export * from './access.decorators';
export * from './access.module';
export * from './auth.service';
export * from './route-inventory';
export * from './user.service';
