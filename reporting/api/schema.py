"""What the OpenAPI schema says of the reporting API beyond what the serializers tell drf-spectacular.

The versioned writes (PATCH of a progress report, confirm) read `version` with required=False
because If-Match may carry it instead (reporting/api/views.py `_sent_version`); the schema says what
the clients do and what the README documents: `version` in the body is required, If-Match is the
documented alternative (a header parameter of the operation). Without either: 428.
"""
from drf_spectacular.extensions import OpenApiSerializerExtension


class _VersionRequired(OpenApiSerializerExtension):
    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema


class ProgressReportUpdateSchema(_VersionRequired):
    target_class = "reporting.api.serializers.ProgressReportUpdateSerializer"


class VersionSchema(_VersionRequired):
    target_class = "reporting.api.serializers.VersionSerializer"
