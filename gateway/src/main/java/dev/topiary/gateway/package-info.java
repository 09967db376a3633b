/**
 * The gateway: what users touch. REST resources live in {@code api}, bearer-token tenancy in
 * {@code auth}, the per-tenant rate limits on submissions and uploads in {@code ratelimit}, spec validation and submission (REST and the job-requests topic) in {@code
 * submit}, model and dataset uploads in {@code upload}, the job view replayed from the event
 * topics in {@code view}, and the report (JSON and HTML with inline SVG charts) in {@code report}.
 * {@link dev.topiary.gateway.GatewayConfig} holds every setting.
 */
package dev.topiary.gateway;
