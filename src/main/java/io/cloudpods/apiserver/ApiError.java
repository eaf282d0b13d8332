package io.cloudpods.apiserver;

import java.util.List;

/** The body of every error answer: {@code {"code","reason","message","details"}}. */
public record ApiError(int code, String reason, String message, List<FieldError> details) {}
