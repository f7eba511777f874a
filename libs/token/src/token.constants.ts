/** DI token of the resolved {@link TokenModuleOptions}. */
export const TOKEN_MODULE_OPTIONS = Symbol('TOKEN_MODULE_OPTIONS');
/** DI token of the plans of the routes the module mounts (`RoutePlan[]`, made once per app). */
export const TOKEN_ROUTES = Symbol('TOKEN_ROUTES');
