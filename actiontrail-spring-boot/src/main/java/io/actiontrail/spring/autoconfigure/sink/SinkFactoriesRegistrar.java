package io.actiontrail.spring.autoconfigure.sink;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers an {@link AuditSinkFactory} bean for each of {@link SinkTypes} whose module is on the classpath, unless
 * the application defines a bean of the same name. Used by Spring at start-up only.
 */
final class SinkFactoriesRegistrar implements ImportBeanDefinitionRegistrar, BeanClassLoaderAware {

    private @Nullable ClassLoader classLoader;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        for (SinkTypes.SinkType type : SinkTypes.ALL) {
            if (!ClassUtils.isPresent(type.sinkClass(), classLoader)
                    || registry.containsBeanDefinition(type.beanName())) {
                continue;
            }
            Class<? extends SinkSettings> settings = settingsClass(type);
            RootBeanDefinition factory = new RootBeanDefinition(
                    AuditSinkFactory.class, () -> new SettingsSinkFactory(type.name(), settings));
            registry.registerBeanDefinition(type.beanName(), factory);
        }
    }

    private Class<? extends SinkSettings> settingsClass(SinkTypes.SinkType type) {
        try {
            return ClassUtils.forName(type.settingsClass(), classLoader).asSubclass(SinkSettings.class);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("the settings of sink type '" + type.name() + "' cannot be loaded", e);
        }
    }
}
