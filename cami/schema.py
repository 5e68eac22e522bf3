"""The OpenAPI schema of the API tells the truth about errors too.

drf-spectacular documents the answers a view means to give (200, 201, 204); the errors come from
DRF and the services and are the same everywhere, so they are added here, once, to each operation
by what the operation has:

| status | added to | body |
| --- | --- | --- |
| 400 | every write, every operation with query parameters (filters, pages) | `{field: [sentences]}`, or `{detail}` for a body that does not parse |
| 401 | every operation: an unknown or inactive token is refused even where anonymous visitors may read | `{detail}` |
| 403 | every write | `{detail}` saying why |
| 404 | every operation with a path parameter or pages (`page` beyond the last one) | `{detail}` |
| 409 | what a view declares (versioned writes) | `{detail, current_version, sent_version}` |
| 415 | every operation with a request body (a body in a format the operation does not read) | `{detail}` |
| 428 | what a view declares (versioned writes without a version) | `{detail}` |
| 429 | every operation (throttled) | `{detail}` |

A status a view already declares with only a description (``OpenApiResponse(description=...)``)
keeps the description and gets the body. Every single-valued query parameter is marked
`allowEmptyValue`: an empty one is as if it were not given, everywhere. Every operation takes `lang`
(cami.middleware.ApiLanguageMiddleware): the language of plan texts and messages.

``tests/api_schema/test_schemathesis.py`` holds every operation to this schema.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ErrorDetailSerializer(serializers.Serializer):
    """An error that is not about one field: `detail` says what went wrong."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "ErrorDetail"


class ValidationErrorBodySerializer(serializers.Serializer):
    """Bad input: each field (or `non_field_errors`) with the sentences saying what is wrong with it.

    Mapped by ValidationErrorBodyExtension to an object whose values are lists of strings."""

    class Meta:
        ref_name = "ValidationErrorBody"


class ValidationErrorBodyExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorBodySerializer

    def get_name(self, auto_schema, direction):
        return "ValidationErrorBody"

    def map_serializer(self, auto_schema, direction):
        return build_object_type(
            description=str(_("Each field (or `non_field_errors`) with the sentences saying what is wrong with it.")),
            additionalProperties=build_array_type(build_basic_type(OpenApiTypes.STR)),
        )


class StaleEditBodySerializer(serializers.Serializer):
    """A change sent from an old copy: nothing was saved. Read the report again, merge, send again."""

    detail = serializers.CharField()
    current_version = serializers.IntegerField(help_text=_("The version stored now."))
    sent_version = serializers.IntegerField(help_text=_("The version the request said it read."))

    class Meta:
        ref_name = "StaleEditBody"


BAD_REQUEST = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[ValidationErrorBodySerializer, ErrorDetailSerializer],
    resource_type_field_name=None,
)

ERRORS = {
    "400": (BAD_REQUEST, _("Bad input: the body names each field and what is wrong with it "
                           "(`{detail}` when the body does not parse).")),
    "401": (ErrorDetailSerializer, _("No credentials where they are needed, or an unknown or inactive token.")),
    "403": (ErrorDetailSerializer, _("Signed in but not allowed: `detail` says why.")),
    "404": (ErrorDetailSerializer, _("Nothing here that you may see (or a page beyond the last one).")),
    "409": (StaleEditBodySerializer, _("Someone saved a newer version: nothing changed.")),
    "415": (ErrorDetailSerializer, _("The body is in a format this operation does not read.")),
    "428": (ErrorDetailSerializer, _("No `version` in the body and no If-Match header.")),
    "429": (ErrorDetailSerializer, _("Too many requests: wait and try again.")),
}


LANG = OpenApiParameter(
    "lang", OpenApiTypes.STR, OpenApiParameter.QUERY,
    description=_("Language of plan texts (titles, `text`, `actor`, `indicator`, unit names, footnotes) and of "
                  "messages: `en` or `ru`. A text not translated into it is in English, the original (each "
                  "activity's `text_language` says which). Without it, the Accept-Language header decides; "
                  "another value is ignored."),
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with the errors each operation can answer and `lang` (see the module)."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), LANG]

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("type") != "array":
                # django-filter, the exports and the pages read `?plan=` as no `plan` at all (the
                # browser's filter forms send empty fields): say so, or an empty value looks refused.
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code in self.error_statuses(operation):
            serializer, description = ERRORS[code]
            declared = responses.get(code)
            built = self._get_response_for_code(OpenApiResponse(serializer, description=description), code)
            if declared is None:
                responses[code] = built
            elif "content" not in declared:
                declared["content"] = built["content"]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        in_query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        has_path = any(parameter["in"] == "path" for parameter in parameters)
        has_body = "requestBody" in operation
        writes = self.method not in SAFE_METHODS
        statuses = {"429"}
        if has_body or in_query or writes:
            statuses.add("400")
        if self.view.authentication_classes:
            statuses.add("401")
        if writes:
            statuses.add("403")
        if has_path or "page" in in_query:
            statuses.add("404")
        if has_body:
            statuses.add("415")
        # 409 and 428 only where the view declares them (the versioned writes): fill their bodies in.
        statuses |= {code for code in ("409", "428") if code in operation["responses"]}
        return sorted(statuses)
