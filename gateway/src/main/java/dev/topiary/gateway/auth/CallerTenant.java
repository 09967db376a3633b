package dev.topiary.gateway.auth;

import jakarta.enterprise.context.RequestScoped;

/** The tenant of the current request, set by {@link BearerTokenFilter} before any resource method runs. */
@RequestScoped
public class CallerTenant {
  private String tenant;

  void set(String tenant) {
    this.tenant = tenant;
  }

  /** @throws IllegalStateException outside an authenticated request (a bug: the filter guards every resource) */
  public String get() {
    if (tenant == null) {
      throw new IllegalStateException("no authenticated tenant in this request");
    }
    return tenant;
  }
}
