"""Validates FHIR R4 resources (JSON files named on the command line) with the `fhir.resources`
package's R4B models, an implementation independent of Linkwork's. Prints one line per file and
exits 1 if any is invalid."""
import importlib
import json
import sys

failed = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    kind = data.get("resourceType", "")
    try:
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
        model = getattr(module, kind)
        if hasattr(model, "model_validate"):
            model.model_validate(data)
        else:
            model.parse_obj(data)
        print(f"valid   {path} ({kind})")
    except Exception as e:  # noqa: BLE001 - any failure is a validation failure to report
        failed += 1
        print(f"INVALID {path} ({kind}): {e}")
sys.exit(1 if failed else 0)
