// Every call to the ActionTrail API goes through here: the bearer token in token mode, errors as ApiError.

const TOKEN_KEY = 'actiontrail.token';

/** 'token' when the page must send a bearer token, 'session' when the application's own sign-in applies. */
export const auth = document.body.dataset.auth === 'token' ? 'token' : 'session';

/** An answer other than 2xx: the HTTP status, the API's message and, for a search, the position of the mistake. */
export class ApiError extends Error {
  constructor(status, message, position) {
    super(message);
    this.status = status;
    this.position = position;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** api/<path>?<params>, relative to the page, empty parameters left out. */
export function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      query.set(key, value);
    }
  }
  const text = query.toString();
  return 'api/' + path + (text ? '?' + text : '');
}

async function call(path, params) {
  const headers = { Accept: 'application/json' };
  if (auth === 'token' && token()) {
    headers.Authorization = 'Bearer ' + token();
  }
  const response = await fetch(url(path, params), { headers, credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) {
    let body = {};
    try {
      body = await response.json();
    } catch (ignored) {
      // not the API's JSON: a proxy's or the server's own error page
    }
    throw new ApiError(response.status, body.error || response.statusText || 'HTTP ' + response.status,
      typeof body.position === 'number' ? body.position : -1);
  }
  return response;
}

/** GET api/<path> as JSON. */
export async function get(path, params) {
  return (await call(path, params)).json();
}

/**
 * Saves an export. With the application's sign-in the browser streams it to disk itself; with a token, which a plain
 * link cannot carry, it comes through fetch into a Blob first.
 */
export async function download(params, filename) {
  const link = document.createElement('a');
  link.download = filename;
  let objectUrl = null;
  if (auth === 'token') {
    objectUrl = URL.createObjectURL(await (await call('export', params)).blob());
    link.href = objectUrl;
  } else {
    link.href = url('export', params);
  }
  document.body.append(link);
  link.click();
  link.remove();
  if (objectUrl) {
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
  }
}
