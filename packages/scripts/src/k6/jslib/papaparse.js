// dlt's stand-in for jslib.k6.io/papaparse: `parse(text, { header, delimiter, skipEmptyLines,
// dynamicTyping })` over RFC 4180 CSV (quoted fields, doubled quotes, CRLF), as k6 scripts use it
// to read data files with open() into a SharedArray.

function rows(text, delimiter) {
  const out = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

function typed(value, dynamic) {
  if (!dynamic) return value;
  if (value === 'true' || value === 'false') return value === 'true';
  if (value !== '' && !Number.isNaN(Number(value))) return Number(value);
  return value;
}

export function parse(text, config = {}) {
  const delimiter = config.delimiter || ',';
  let all = rows(String(text), delimiter);
  if (config.skipEmptyLines) all = all.filter((r) => !(r.length === 1 && r[0] === ''));
  else if (all.length > 0 && all[all.length - 1].length === 1 && all[all.length - 1][0] === '') all.pop();
  if (!config.header) {
    return { data: all.map((r) => r.map((v) => typed(v, config.dynamicTyping))), errors: [], meta: { delimiter } };
  }
  const [fields = [], ...body] = all;
  const data = body.map((r) => {
    const o = {};
    fields.forEach((f, i) => {
      o[f] = typed(r[i] ?? '', config.dynamicTyping);
    });
    return o;
  });
  return { data, errors: [], meta: { delimiter, fields } };
}

export default { parse };
