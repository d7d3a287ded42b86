package io.actiontrail.spring.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * The validation errors of a form handler's objects, read from its model: a handler that finds errors renders the form
 * again with 200, so the status alone would call it a success. Names objects, fields and constraint codes, never a
 * rejected value. Stateless.
 */
final class ValidationErrors {

    /** The error code of a handler whose form objects did not validate. */
    static final String VALIDATION_FAILED = "ValidationFailed";

    private static final int MAX_VALIDATION_ERRORS = 50;

    private ValidationErrors() {}

    /** The errors of every binding result in the model, at most {@value #MAX_VALIDATION_ERRORS}; never a value. */
    static List<Map<String, String>> of(Map<String, Object> model) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (Object value : model.values()) {
            if (!(value instanceof BindingResult result) || !result.hasErrors()) {
                continue;
            }
            for (ObjectError error : result.getAllErrors()) {
                if (errors.size() == MAX_VALIDATION_ERRORS) {
                    return errors;
                }
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("object", clip(result.getObjectName()));
                if (error instanceof FieldError field) {
                    entry.put("field", clip(field.getField()));
                }
                entry.put("code", clip(String.valueOf(error.getCode())));
                errors.add(entry);
            }
        }
        return errors;
    }

    /** {@code 2 validation errors: owner.lastName (NotBlank), owner.telephone (Digits)}. */
    static String message(List<Map<String, String>> errors) {
        StringJoiner message = new StringJoiner(
                ", ", errors.size() + " validation error" + (errors.size() == 1 ? "" : "s") + ": ", "");
        for (Map<String, String> error : errors) {
            String field = error.get("field");
            message.add(error.get("object") + (field == null ? "" : "." + field) + " (" + error.get("code") + ")");
        }
        return message.toString();
    }

    private static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
