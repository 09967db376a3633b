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
