/**
 * Fair share at admission: per-tenant token buckets on job submissions and on uploads ({@link
 * dev.topiary.gateway.ratelimit.TenantRateLimits}, {@code topiary.gateway.rate-limit.*}). A tenant
 * past its limit gets 429 with {@code Retry-After} (a job request on the topic: {@code
 * JobRejected} saying when to send it again); other tenants are not affected. {@link
 * dev.topiary.gateway.ratelimit.TokenBuckets} is the plain-Java arithmetic, on a clock a test
 * can move.
 */
package dev.topiary.gateway.ratelimit;
