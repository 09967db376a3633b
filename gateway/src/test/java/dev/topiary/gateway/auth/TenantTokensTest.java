package dev.topiary.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.GatewayConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens from the configuration map and from a secret file, checked when the gateway starts. */
class TenantTokensTest {
  @Test
  void mapsTokensToTenants() {
    TenantTokens tokens = new TenantTokens(Map.of("acme", "a-long-enough-token-1", "globex", "a-long-enough-token-2"));
    assertEquals("acme", tokens.tenantOf("a-long-enough-token-1").orElseThrow());
    assertEquals("globex", tokens.tenantOfHeader("Bearer a-long-enough-token-2").orElseThrow());
    assertEquals("globex", tokens.tenantOfHeader("bearer a-long-enough-token-2").orElseThrow());
    assertTrue(tokens.tenantOfHeader("Basic a-long-enough-token-2").isEmpty());
    assertTrue(tokens.tenantOf("a-long-enough-token-3").isEmpty());
    assertTrue(tokens.tenantOfHeader(null).isEmpty());
  }

  @Test
  void refusesSharedShortTokensAndBadTenantNames() {
    IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
        () -> new TenantTokens(Map.of("a", "the-same-token-xyz", "b", "the-same-token-xyz")));
    assertTrue(shared.getMessage().contains("share a token"), shared.getMessage());
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class, () -> new TenantTokens(Map.of("a", "short")));
    assertEquals("topiary.gateway.tenants.a: the token must have at least 16 characters", shortToken.getMessage());
    IllegalArgumentException path = assertThrows(IllegalArgumentException.class, () -> new TenantTokens(Map.of("../x", "a-long-enough-token-1")));
    assertTrue(path.getMessage().startsWith("topiary.gateway.tenants: tenant '../x' must match"), path.getMessage());
  }

  @Test
  void acceptsDigestsSoThatConfigurationHoldsNoToken() {
    // printf %s acme-token-0123456789 | sha256sum
    String digest = "sha256:" + java.util.HexFormat.of().formatHex(sha256("acme-token-0123456789"));
    assertEquals(digest, TenantTokens.digestEntry("acme-token-0123456789"));
    TenantTokens tokens = new TenantTokens(Map.of("acme", digest));
    assertEquals("acme", tokens.tenantOf("acme-token-0123456789").orElseThrow());
    assertTrue(tokens.tenantOf(digest).isEmpty(), "the digest itself is not a token");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new TenantTokens(Map.of("acme", "sha256:abc")));
    assertTrue(bad.getMessage().startsWith("topiary.gateway.tenants.acme: a digest must be 'sha256:' and 64 lower-case hex digits"),
        bad.getMessage());
  }

  @Test
  void rotatesATokenWithTwoEntriesForOneTenant() {
    TenantTokens both = new TenantTokens(Map.of("acme", TenantTokens.digestEntry("old-token-0123456789") + ", "
        + TenantTokens.digestEntry("new-token-0123456789")));
    assertEquals(2, both.size());
    assertEquals("acme", both.tenantOf("old-token-0123456789").orElseThrow());
    assertEquals("acme", both.tenantOf("new-token-0123456789").orElseThrow());
    TenantTokens rotated = new TenantTokens(Map.of("acme", TenantTokens.digestEntry("new-token-0123456789")));
    assertTrue(rotated.tenantOf("old-token-0123456789").isEmpty());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new TenantTokens(Map.of("acme", "same-token-0123456789," + TenantTokens.digestEntry("same-token-0123456789"))));
    assertEquals("topiary.gateway.tenants: tenant 'acme' lists the same token twice", twice.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> new TenantTokens(Map.of("acme", "a-long-enough-token-1,")));
    assertEquals("topiary.gateway.tenants.acme: the token must have at least 16 characters", empty.getMessage());
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsASecretFileBesideTheMap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# tenant=token\nops=ops-token-0123456789\n");
    TenantTokens tokens = new TenantTokens(GatewayConfigs.of(Map.of("acme", "acme-token-0123456789"), file.toString()));
    assertEquals(2, tokens.size());
    assertEquals("ops", tokens.tenantOf("ops-token-0123456789").orElseThrow());
    Files.writeString(file, "acme=another-token-0123456789\n");
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new TenantTokens(GatewayConfigs.of(Map.of("acme", "acme-token-0123456789"), file.toString())));
    assertTrue(twice.getMessage().contains("'acme' is also in topiary.gateway.tenants"), twice.getMessage());
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> new TenantTokens(GatewayConfigs.of(Map.of(), dir.resolve("absent").toString())));
    assertTrue(missing.getMessage().startsWith("topiary.gateway.tokens-file: cannot read"), missing.getMessage());
  }
}
