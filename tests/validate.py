#!/usr/bin/env python3
"""validate.py - checks JSON-lines findings against the project's JSON Schema.

usage: validate.py SCHEMA FILE...   (FILE '-' reads stdin)
Exits 1 and names the line on the first invalid finding.
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft7Validator(schema)
    count = 0
    for name in sys.argv[2:]:
        fp = sys.stdin if name == "-" else open(name)
        for lineno, line in enumerate(fp, 1):
            try:
                doc = json.loads(line)
            except ValueError as e:
                print(f"{name}:{lineno}: not JSON: {e}", file=sys.stderr)
                return 1
            errors = sorted(validator.iter_errors(doc), key=str)
            if errors:
                print(f"{name}:{lineno}: {errors[0].message} at "
                      f"{'/'.join(map(str, errors[0].absolute_path))}",
                      file=sys.stderr)
                return 1
            count += 1
    print(f"validate.py: {count} findings valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
