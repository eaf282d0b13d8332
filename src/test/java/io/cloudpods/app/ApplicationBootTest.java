package io.cloudpods.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class ApplicationBootTest {

  @Test
  void application_startsAgainstEmbeddedPostgres_reportsHealthUp() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  /** An API-only process (the controller is off in tests): readiness is about the database. */
  @Test
  void controllerDisabled_readinessIsTheDatabase_andTheControllerCheckSaysDisabled() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("Database connections health check"))
        .body("checks.find { it.name == 'CloudPods controller' }.status", equalTo("UP"))
        .body(
            "checks.find { it.name == 'CloudPods controller' }.data.controller",
            equalTo("disabled"));
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }
}
