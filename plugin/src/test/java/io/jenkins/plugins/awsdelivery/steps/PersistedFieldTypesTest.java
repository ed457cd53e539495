package io.jenkins.plugins.awsdelivery.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.ecs.EcsForceDeployBuilder;
import io.jenkins.plugins.awsdelivery.ecs.EcsForceDeployStep;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateBuilder;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateStep;
import io.jenkins.plugins.awsdelivery.portworx.PxSnapshotBuilder;
import io.jenkins.plugins.awsdelivery.portworx.PxSnapshotStep;
import io.jenkins.plugins.awsdelivery.spot.SpotCloud;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubBuilder;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubStep;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Without Jenkins: every collection the plugin persists (job {@code config.xml}, the cloud in Jenkins'
 * {@code config.xml}) is a plain JDK collection. {@code List.of}/{@code toList()} values are written by XStream as
 * {@code java.util.ImmutableCollections$ListN} with custom serialization, readable only with
 * {@code --add-opens java.base/java.util}. New list fields and setters are covered without changing this test.
 */
class PersistedFieldTypesTest {

    private static final Pattern PLAIN = Pattern.compile(
            "java\\.util\\.(ArrayList|LinkedList|HashMap|LinkedHashMap|TreeMap|HashSet|LinkedHashSet|TreeSet)");

    /** Every persisted describable of the plugin, once as constructed and once with every list setter called. */
    private static List<Object> persisted() throws Exception {
        List<Object> out = new ArrayList<>();
        for (boolean set : new boolean[] {false, true}) {
            List<Object> steps = List.of(new AwsHealthGateStep(), new TrivyScanToSecurityHubStep(),
                    new EcsForceDeployStep("prod", "web"), new PxSnapshotStep("prod"));
            for (Object step : steps) {
                if (set) {
                    callListSetters(step);
                }
            }
            out.addAll(steps);
            out.add(new AwsHealthGateBuilder((AwsHealthGateStep) steps.get(0)));
            out.add(new TrivyScanToSecurityHubBuilder((TrivyScanToSecurityHubStep) steps.get(1)));
            out.add(new EcsForceDeployBuilder((EcsForceDeployStep) steps.get(2)));
            out.add(new PxSnapshotBuilder((PxSnapshotStep) steps.get(3)));
            SpotCloud cloud = new SpotCloud("linux-spot");
            if (set) {
                callListSetters(cloud);
            }
            out.add(cloud);
        }
        return out;
    }

    /** Calls each {@code @DataBoundSetter} taking a list with an immutable {@code List.of}, as Pipeline may. */
    private static void callListSetters(Object o) throws Exception {
        for (Method m : o.getClass().getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class) && m.getParameterCount() == 1
                    && List.class.isAssignableFrom(m.getParameterTypes()[0])) {
                m.invoke(o, List.of(element(m, "a"), element(m, "b")));
            }
        }
    }

    /** A list element of the setter's type: a text, or a Spot agent template of that name. */
    private static Object element(Method setter, String name) {
        String type = setter.getGenericParameterTypes()[0].getTypeName();
        return type.contains("SpotAgentTemplate") ? new io.jenkins.plugins.awsdelivery.spot.SpotAgentTemplate(name)
                : name;
    }

    private static void assertPlainCollections(Object o, String path) throws Exception {
        for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("io.jenkins.plugins.awsdelivery");
                c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod)) {
                    continue;
                }
                f.setAccessible(true);
                Object value = f.get(o);
                String where = path + "." + f.getName();
                if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
                    assertThat(value.getClass().getName()).as(where + " is persisted as").matches(PLAIN);
                } else if (value != null && value.getClass().getName().startsWith("io.jenkins.plugins.awsdelivery")) {
                    assertPlainCollections(value, where);
                }
            }
        }
    }

    @Test
    void everyPersistedCollectionIsAPlainJdkCollection() throws Exception {
        for (Object o : persisted()) {
            assertPlainCollections(o, o.getClass().getSimpleName());
        }
    }

    @Test
    void listSettersKeepTheValuesGettersAreReadOnly() {
        AwsHealthGateStep step = new AwsHealthGateStep();
        step.setServices(List.of(" ECS ", "", "EC2"));
        assertThat(step.getServices()).containsExactly("ECS", "EC2");
        assertThatThrownBy(() -> step.getServices().add("RDS"))
                .isInstanceOf(UnsupportedOperationException.class);
        step.setServices(null);
        assertThat(step.getServices()).isEmpty();
    }
}
