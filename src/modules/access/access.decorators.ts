// The route access decorators live in the HTTP layer (src/common), so that modules declaring routes do not depend on access.
export { Access, ACCESS_RULE, type AccessRule, ANY_ROLE, Public, PUBLIC_ROUTE, type TargetKind } from '../../common/access.decorators';
