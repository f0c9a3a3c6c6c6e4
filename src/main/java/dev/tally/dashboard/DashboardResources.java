package dev.tally.dashboard;

import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the dashboard's script and style sheet at {@code /dashboard/**}, revalidated at every
 * load (each file's ETag makes that a 304), so that a new version shows at once.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class DashboardResources implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/dashboard/**").addResourceLocations("classpath:/dashboard/")
                .setCacheControl(CacheControl.noCache());
    }
}
