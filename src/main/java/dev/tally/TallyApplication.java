package dev.tally;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Tally: an asynchronous word-frequency service (web, queue, worker in one process or many). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TallyApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(dev.tally.security.ApiKeysCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("jobs")) {
            System.exit(dev.tally.client.JobsCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(TallyApplication.class, args);
    }
}
