package dev.topiary.gateway.api;

import java.util.List;

/**
 * Every 4xx answer's body: {@code {"errors": [{"field": "...", "message": "..."}]}}, one entry per
 * field or file at fault. {@code field} is a spec path ({@code prune.select.compressRate}), an
 * upload part ({@code weights.safetensors}), a header ({@code Content-Type}), {@code rate-limit}
 * for a 429 (the tenant's rate, not the request, is at fault) or empty for the whole request.
 */
public record ErrorBody(List<FieldError> errors) {
  public record FieldError(String field, String message) {}

  public static ErrorBody of(String field, String message) {
    return new ErrorBody(List.of(new FieldError(field, message)));
  }
}
