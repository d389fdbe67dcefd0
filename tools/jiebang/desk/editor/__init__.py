"""The clerk's editor, without its web server: forms from the JSON Schemas, saving a record as a person
would (comments, key order and the `$schema` line kept; atomic; never over a change made on disk), the
live checks by the validator, the field-level review and the commit. `commands/editor/` serves it."""
