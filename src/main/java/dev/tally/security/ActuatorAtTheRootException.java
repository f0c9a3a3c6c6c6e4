package dev.tally.security;

/** The actuator's base path is the root while credentials are checked: refused at start. */
final class ActuatorAtTheRootException extends IllegalStateException {

    ActuatorAtTheRootException(String configured, String mode) {
        super("management.endpoints.web.base-path=" + configured + " puts the actuator's endpoints among the API's paths,"
                + " which tally.auth.mode=" + mode + " cannot tell apart (which are open, which an operator's)");
    }
}
