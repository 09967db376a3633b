package dev.topiary.testsupport;

import okhttp3.OkHttpClient;

/**
 * One OkHttp client for every {@link S3Service#client()}: building a MinIO client without one
 * costs about 300 ms (a fresh TLS trust store each time), which a test suite pays per bucket.
 */
final class SharedHttpClient {
  static final OkHttpClient INSTANCE = new OkHttpClient();

  private SharedHttpClient() {}
}
