package dev.topiary.gateway.auth;

import dev.topiary.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Which tenant an API token belongs to. Built once from {@code topiary.gateway.tenants} and the
 * optional {@code topiary.gateway.tokens-file}; immutable afterwards. Tenants must be valid key
 * segments (they name {@code uploads/<tenant>/}).
 *
 * <p>A tenant's value is one or more comma-separated entries, each either the token itself (at
 * least 16 characters) or, preferably, its digest {@code sha256:<64 hex>} ({@code printf %s TOKEN |
 * sha256sum}), so that the configuration and the Secret never hold a usable token. Several entries
 * let a token be rotated without downtime: add the new one, move the clients, remove the old one.
 * Every token is unique across tenants. Tokens are kept as SHA-256 digests and compared in constant
 * time over all of them.
 */
@ApplicationScoped
public class TenantTokens {
  /** What a tenant name may be: it becomes a store key segment. */
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  static final int MIN_TOKEN_LENGTH = 16;
  /** A configured entry that is a token's digest rather than the token. */
  static final String DIGEST_PREFIX = "sha256:";

  private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

  private static final Logger LOG = Logger.getLogger(TenantTokens.class);

  private final Map<String, String> tenantByDigest = new HashMap<>();

  @Inject
  public TenantTokens(GatewayConfig config) {
    this(merge(config));
  }

  /** From a tenant to token map (tests, tools). */
  public TenantTokens(Map<String, String> tokenByTenant) {
    if (tokenByTenant.isEmpty()) {
      LOG.warn("no tenant has a token (topiary.gateway.tenants.<tenant> or topiary.gateway.tokens-file): every /api request answers 401");
    }
    tokenByTenant.forEach((tenant, value) -> {
      if (!TENANT.matcher(tenant).matches()) {
        throw new IllegalArgumentException("topiary.gateway.tenants: tenant '" + tenant + "' must match " + TENANT);
      }
      for (String entry : (value == null ? "" : value).split(",", -1)) {
        String previous = tenantByDigest.put(configuredDigest(tenant, entry.strip()), tenant);
        if (previous != null) {
          throw new IllegalArgumentException("topiary.gateway.tenants: " + (previous.equals(tenant) ? "tenant '" + tenant
              + "' lists the same token twice" : "tenants '" + previous + "' and '" + tenant + "' share a token"));
        }
      }
    });
  }

  /** The digest an entry stands for: given as {@code sha256:<hex>}, or computed from a token. */
  private static String configuredDigest(String tenant, String entry) {
    if (entry.startsWith(DIGEST_PREFIX)) {
      String hex = entry.substring(DIGEST_PREFIX.length());
      if (!HEX_DIGEST.matcher(hex).matches()) {
        throw new IllegalArgumentException("topiary.gateway.tenants." + tenant + ": a digest must be '" + DIGEST_PREFIX
            + "' and 64 lower-case hex digits (printf %s TOKEN | sha256sum), got " + hex.length() + " characters");
      }
      return hex;
    }
    if (entry.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("topiary.gateway.tenants." + tenant + ": the token must have at least "
          + MIN_TOKEN_LENGTH + " characters");
    }
    return digest(entry);
  }

  /** The configuration entry that stands for {@code token} without revealing it. */
  public static String digestEntry(String token) {
    return DIGEST_PREFIX + digest(token.strip());
  }

  /** The tenant of a token; empty when the token is unknown. */
  public Optional<String> tenantOf(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    byte[] given = digest(token.strip()).getBytes(StandardCharsets.US_ASCII);
    String found = null;
    for (Map.Entry<String, String> e : tenantByDigest.entrySet()) { // no early exit: constant time over all tokens
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.US_ASCII))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The tenant of an {@code Authorization} header value {@code Bearer <token>}; empty when the
   * header is missing, not a bearer token, or the token is unknown.
   */
  public Optional<String> tenantOfHeader(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return tenantOf(authorization.substring(7));
  }

  public int size() {
    return tenantByDigest.size();
  }

  private static Map<String, String> merge(GatewayConfig config) {
    Map<String, String> all = new HashMap<>(config.tenants());
    if (config.tokensFile().isPresent()) {
      Path file = Path.of(config.tokensFile().get());
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalStateException("topiary.gateway.tokens-file: cannot read " + file + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames().forEach(t -> {
        if (all.putIfAbsent(t, p.getProperty(t)) != null) {
          throw new IllegalArgumentException("topiary.gateway.tokens-file: tenant '" + t + "' is also in topiary.gateway.tenants");
        }
      });
    }
    return all;
  }

  private static String digest(String token) {
    return hex(hash(token));
  }

  private static byte[] hash(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return sb.toString();
  }
}
