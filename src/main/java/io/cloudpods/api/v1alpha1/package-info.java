/**
 * Wire types of the {@code cloudpods.io/v1alpha1} API. Each record mirrors one JSON Schema in
 * {@code crd-like-schemas/}; a test keeps the two in agreement. Null fields are omitted on output.
 */
package io.cloudpods.api.v1alpha1;
