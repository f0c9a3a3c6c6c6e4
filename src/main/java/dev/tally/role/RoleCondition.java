package dev.tally.role;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

class RoleCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
        if (attributes == null) {
            return true;
        }
        Role wanted = (Role) attributes.get("value");
        return rolesOf(context.getEnvironment()).contains(wanted);
    }

    static Set<Role> rolesOf(Environment environment) {
        List<String> names = Binder.get(environment)
                .bind("tally.roles", Bindable.listOf(String.class))
                .orElse(List.of("api", "worker"));
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(trimmed.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("tally.roles: unknown role '" + trimmed + "'; use api, worker or api,worker");
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalStateException("tally.roles is empty; use api, worker or api,worker");
        }
        return roles;
    }
}
