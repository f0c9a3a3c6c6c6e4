package dev.tally.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real memory alarm of the machine's RabbitMQ, raised by lowering its memory high watermark
 * below what it uses ({@code rabbitmqctl}, which the tests' broker host must have, as the CI
 * machine does) and cleared by setting the watermark back. The broker blocks every connection
 * that publishes meanwhile, whoever's it is; the tests run one at a time.
 */
public final class RabbitMemoryAlarm implements AutoCloseable {

    private final String watermark;

    private RabbitMemoryAlarm(String watermark) {
        this.watermark = watermark;
    }

    /** Raises the alarm and returns once the broker reports it. */
    public static RabbitMemoryAlarm raise() {
        String watermark = eval("vm_memory_monitor:get_vm_memory_high_watermark().");
        RabbitMemoryAlarm alarm = new RabbitMemoryAlarm(watermark);
        eval("vm_memory_monitor:set_vm_memory_high_watermark(0.00001).");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!eval("rabbit_alarm:get_alarms().").contains("memory")) {
            if (Instant.now().isAfter(deadline)) {
                alarm.close();
                throw new IllegalStateException("RabbitMQ raised no memory alarm");
            }
        }
        return alarm;
    }

    /** Sets the watermark back, which clears the alarm. */
    @Override
    public void close() {
        eval("vm_memory_monitor:set_vm_memory_high_watermark(" + watermark + ").");
    }

    private static String eval(String expression) {
        try {
            Process process = new ProcessBuilder("rabbitmqctl", "eval", expression).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl eval " + expression + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl is needed to raise a RabbitMQ alarm", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
