package io.cloudpods.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.Test;

/** The package rules of docs/CONTROLLER.md and STYLE, checked on the compiled main classes. */
class PackageRulesTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.cloudpods");

  @Test
  void packages_dependOnEachOtherWithoutCycles() {
    slices().matching("io.cloudpods.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void jpaEntities_areUsedOnlyInsideTheStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.cloudpods.store..")
        .should()
        .dependOnClassesThat()
        .areAnnotatedWith(Entity.class)
        .check(MAIN);
  }

  @Test
  void manager_isWiredOnlyByTheLauncher() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.cloudpods.manager..", "io.cloudpods.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.cloudpods.manager..")
        .check(MAIN);
  }

  @Test
  void simulator_isNeverImportedByTheController() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.cloudpods.sim..", "io.cloudpods.app..", "io.cloudpods.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.cloudpods.sim..")
        .check(MAIN);
  }

  @Test
  void engine_knowsNothingOfCloudPods() {
    noClasses()
        .that()
        .resideInAPackage("io.cloudpods.controller..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.cloudpods.controller..", "java..", "org.jboss.logging..")
        .check(MAIN);
  }

  @Test
  void reconcileSteps_dependOnPortsNotOnTheJpaStores() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.cloudpods.cloudpod..", "io.cloudpods.podset..", "io.cloudpods.tenant..")
        .should()
        .dependOnClassesThat()
        .haveSimpleNameEndingWith("Store")
        .check(MAIN);
  }
}
