from django.core.management import call_command


def test_collectstatic_builds_the_manifest_production_serves(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/app.*.css"))
    assert list(tmp_path.glob("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.*.js"))
