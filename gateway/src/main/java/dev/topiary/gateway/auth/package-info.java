/**
 * Access control: bearer API tokens map to tenants ({@link dev.topiary.gateway.auth.TenantTokens},
 * from configuration only). {@link dev.topiary.gateway.auth.BearerTokenFilter} guards every
 * {@code /api} resource and leaves the caller's tenant in {@link
 * dev.topiary.gateway.auth.CallerTenant}; health, metrics and OpenAPI ({@code /q}) stay open.
 */
package dev.topiary.gateway.auth;
