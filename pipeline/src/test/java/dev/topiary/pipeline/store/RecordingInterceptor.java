package dev.topiary.pipeline.store;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Records every HTTP request the store sends and, optionally, answers some itself instead of the
 * server: a deterministic stand-in for a flaky network or an overloaded S3 endpoint.
 */
final class RecordingInterceptor implements Interceptor {
  /** What a fault does with request number {@code n} (1-based): null lets it through. */
  interface Fault {
    Response answer(int n, Request request) throws IOException;
  }

  /** Built once: each fresh OkHttpClient loads the TLS trust store again (about 0.2 s). */
  private static final OkHttpClient BASE = new OkHttpClient();

  final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile Fault fault = (n, request) -> null;

  static OkHttpClient client(RecordingInterceptor interceptor) {
    return BASE.newBuilder().addInterceptor(interceptor).build();
  }

  void inject(Fault fault) {
    this.fault = fault;
  }

  long count(String method) {
    return requests.stream().filter(r -> r.startsWith(method + " ")).count();
  }

  long countMatching(Function<String, Boolean> test) {
    return requests.stream().filter(test::apply).count();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    requests.add(request.method() + " " + request.url());
    Response injected = fault.answer(requests.size(), request);
    return injected != null ? injected : chain.proceed(request);
  }

  /** An S3 error answer, as AWS sends it. */
  static Response s3Error(Request request, int status, String code) {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected "
        + code + "</Message><Resource>" + request.url().encodedPath() + "</Resource><RequestId>1</RequestId></Error>";
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(status).message(code)
        .header("Content-Type", "application/xml")
        .body(ResponseBody.create(xml, MediaType.get("application/xml"))).build();
  }
}
