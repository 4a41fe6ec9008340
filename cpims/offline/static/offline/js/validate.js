// Validation of a record against the rules from GET /api/v1/offline/forms/ (the same rules the
// server applies). A kind is either JSON Schema ({"properties": {...}, "required": [...]}), the
// server's {"type": "object", "fields": {...}} with "required": true per field, or a bare map of
// field -> definition. "required_without": "other" makes a field required when "other" is empty,
// "required_with": "other" when "other" is filled in.
export function fieldsOf(kindDef) {
  if (!kindDef) return [];
  const props = kindDef.properties || kindDef.fields || kindDef;
  if (props === kindDef && typeof kindDef.type === "string") return [];
  const required = new Set(Array.isArray(kindDef.required) ? kindDef.required : []);
  return Object.entries(props)
    .filter(([, def]) => def && typeof def === "object" && !def.readOnly && !def.read_only)
    .map(([name, def]) => ({ name, ...def, required: required.has(name) || def.required === true }));
}

function choices(def) {
  if (Array.isArray(def.choices)) return def.choices.map((c) => (typeof c === "object" ? String(c.code ?? c.value) : String(c)));
  if (Array.isArray(def.enum)) return def.enum.map(String);
  if (def.items && Array.isArray(def.items.enum)) return def.items.enum.map(String);
  return null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isEmpty = (value) => value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);

export function validate(kindDef, data, t) {
  const errors = {};
  for (const field of fieldsOf(kindDef)) {
    const value = data[field.name];
    if (isEmpty(value)) {
      const without = field.required_without;
      const needed = field.required || (without && isEmpty(data[without])) || (field.required_with && !isEmpty(data[field.required_with]));
      if (needed) errors[field.name] = [t("required")];
      continue;
    }
    const max = field.maxLength ?? field.max_length;
    if (typeof value === "string" && max && value.length > max) errors[field.name] = [t("too_long", { n: max })];
    const format = field.format || (field.type === "date" ? "date" : null);
    if (format === "date") {
      const d = new Date(value + "T00:00:00");
      if (!DATE.test(value) || isNaN(d)) errors[field.name] = [t("bad_date")];
      else if ((field.past_only || field["x-past-only"]) && d > new Date()) errors[field.name] = [t("future_date")];
    }
    if (field.type === "integer" && !/^-?\d+$/.test(String(value))) errors[field.name] = [t("bad_number")];
    const options = choices(field);
    if (options) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => !options.includes(String(v)))) errors[field.name] = [t("bad_choice")];
    }
  }
  return errors;
}
