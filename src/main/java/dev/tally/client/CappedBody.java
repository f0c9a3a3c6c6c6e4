package dev.tally.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body as a String, read up to {@link #MAX_BYTES}: Tally's JSON answers are far smaller
 * (a page of 200 jobs is a few hundred KB), and a {@code --server} that is not Tally may answer
 * anything, which was read whole into memory.
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {

    static final int MAX_BYTES = 16 * 1024 * 1024;

    /** The body was cut off at {@link #MAX_BYTES}. */
    static final class TooLargeException extends IOException {
        TooLargeException() {
            super("the answer is larger than 16 MiB: is the server Tally?");
        }
    }

    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    static HttpResponse.BodyHandler<String> handler() {
        return info -> new CappedBody();
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + buffer.remaining() > MAX_BYTES) {
                subscription.cancel();
                body.completeExceptionally(new TooLargeException());
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toString(StandardCharsets.UTF_8));
    }
}
