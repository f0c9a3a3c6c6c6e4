package dev.tally;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Tally: an asynchronous word-frequency service (web, queue, worker in one process or many). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TallyApplication {

    public static void main(String[] args) {
        java.util.OptionalInt command = TallyCommandLine.run(args, System.out, System.err);
        if (command.isPresent()) {
            System.exit(command.getAsInt());
        }
        SpringApplication.run(TallyApplication.class, args);
    }
}
