package dev.topiary.gateway.api;

import java.util.List;

/**
 * A request the gateway refuses, with its HTTP status and one message per field; {@link
 * ApiExceptionMapper} writes it as an {@link ErrorBody}. Thrown before anything is stored, or
 * after what was stored has been deleted.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final List<ErrorBody.FieldError> errors;

  public ApiException(int status, List<ErrorBody.FieldError> errors) {
    super(status + ": " + errors);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors: a refusal names at least one problem");
    }
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, List.of(new ErrorBody.FieldError(field, message)));
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, List.of(new ErrorBody.FieldError("id", what + " not found")));
  }

  public static ApiException tooLarge(String field, long size, long limit) {
    return new ApiException(413, List.of(new ErrorBody.FieldError(field, size + " bytes is over the limit of " + limit + " bytes")));
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, List.of(new ErrorBody.FieldError(field, message)));
  }

  public int status() {
    return status;
  }

  public List<ErrorBody.FieldError> errors() {
    return errors;
  }
}
