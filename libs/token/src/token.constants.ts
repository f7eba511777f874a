/** DI token of the resolved {@link TokenModuleOptions}. */
export const TOKEN_MODULE_OPTIONS = Symbol('TOKEN_MODULE_OPTIONS');
/** DI token of the routes the module mounts (`TokenRouteOptions[]`). */
export const TOKEN_ROUTES = Symbol('TOKEN_ROUTES');
