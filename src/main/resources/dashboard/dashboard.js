// Tally's dashboard: submits jobs and follows the newest ones through the public API (/api/v1/jobs),
// with the API key the user types (kept for this browser tab only). Everything a job carries (its
// URL, its words, its error) comes from other people's pages, so it is only ever set as text, never
// as markup.
'use strict';

const REFRESH_MILLIS = 2000;
const HEALTH_MILLIS = 10000;
const TOP_WORDS = 25;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

const $ = (id) => document.getElementById(id);
let selectedId = null;
let detailStatus = null; // the status the detail panel shows
let refreshing = false;
let refreshAgain = false; // asked for while a refresh was under way (a filter changed, a job deleted)
let listGeneration = 0; // bumped when the question changes (key, filter, size, page): older answers are not shown
let cursors = []; // the cursor of each older page gone to, the one shown last; none: the newest jobs
let olderCursor = null; // the cursor of the page after the one shown, if there is one

/** Calls the API; resolves to the parsed JSON (or null for 204), rejects with the problem's detail. */
async function api(path, options = {}) {
  const headers = Object.assign({Accept: 'application/json'}, options.headers || {});
  const key = $('api-key').value.trim();
  if (key) {
    headers.Authorization = 'Bearer ' + key;
  }
  const response = await fetch(path, Object.assign({}, options, {headers}));
  if (response.status === 204) {
    return null;
  }
  const body = await response.text();
  let parsed = null;
  try {
    parsed = body ? JSON.parse(body) : null;
  } catch (e) {
    // not JSON: reported below by status
  }
  if (!response.ok) {
    const detail = parsed && (parsed.detail || parsed.title);
    const error = new Error(response.status !== 401 ? (detail || 'the service answered ' + response.status)
        : key ? 'the service does not know this API key, or it was revoked: ' + (detail || 'check it above')
          : 'an API key is needed (authentication is on): type it above');
    error.status = response.status;
    throw error;
  }
  return parsed;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function say(id, message, isError) {
  const node = $(id);
  node.textContent = message || '';
  node.classList.toggle('error', Boolean(isError));
}

function time(iso) {
  if (!iso) {
    return '';
  }
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}

function took(job) {
  if (!job.finishedAt) {
    return '';
  }
  const millis = new Date(job.finishedAt) - new Date(job.createdAt);
  return millis < 1000 ? millis + ' ms' : (millis / 1000).toFixed(1) + ' s';
}

function sourceText(job) {
  return job.source.type === 'url' ? job.source.url : 'text, ' + job.source.length + ' characters';
}

function badge(status) {
  return element('span', status, 'badge ' + status);
}

// ------------------------------------------------------------------------------------------ jobs

async function refreshJobs() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  refreshAgain = false;
  const generation = listGeneration;
  try {
    const params = new URLSearchParams({limit: $('limit').value});
    if ($('status-filter').value) {
      params.set('status', $('status-filter').value);
    }
    if (cursors.length) {
      params.set('cursor', cursors[cursors.length - 1]);
    }
    const page = await api('api/v1/jobs?' + params);
    if (generation !== listGeneration) {
      return; // asked with another key, filter or page: the refresh that follows answers the new question
    }
    renderJobs(page.items);
    olderCursor = cursorOf(page.next);
    showPager();
    say('list-message', page.items.length ? '' : cursors.length ? 'No older jobs.' : 'No jobs yet: submit one above.');
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (generation !== listGeneration) {
      return;
    }
    if (e.status === 401) {
      clearJobs(); // another key's jobs must not stay on screen
    }
    say('list-message', 'Could not list the jobs: ' + e.message, true);
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshJobs(); // with what was asked for meanwhile: an answer to the older question is not it
    }
  }
}

/** The cursor in a page's next link (a path with a query), or null after the last page. */
function cursorOf(next) {
  return next ? new URL(next, window.location.href).searchParams.get('cursor') : null;
}

/** The page buttons for where the list is: newer pages behind it once it went older, older ones after it while there are. */
function showPager() {
  $('newer').disabled = cursors.length === 0;
  $('older').disabled = !olderCursor;
  $('page').textContent = cursors.length ? 'page ' + (cursors.length + 1) : '';
}

/** Shows another page of the list ('older', 'newer' or 'newest'); it is refreshed live like the first. */
function turnPage(change) {
  if (change === 'older' && olderCursor) {
    cursors.push(olderCursor);
  } else if (change === 'newer') {
    cursors.pop();
  } else if (change === 'newest') {
    cursors = [];
  }
  olderCursor = null;
  showPager();
  listGeneration++;
  refreshJobs();
}

/** Empties the table, its summary and the detail (the key changed, or was refused). */
function clearJobs() {
  listGeneration++;
  cursors = [];
  olderCursor = null;
  showPager();
  $('job-table').tBodies[0].replaceChildren();
  $('summary').textContent = '';
  closeDetail();
}

/**
 * Puts the jobs in the table, keeping the row of every job that has not changed (same updatedAt):
 * a refresh every 2 s must not pull a button from under the user's pointer, and unchanged rows
 * are not redrawn.
 */
function renderJobs(jobs) {
  const body = $('job-table').tBodies[0];
  const current = Array.from(body.children);
  const known = new Map(current.map((row) => [row.dataset.id, row]));
  const rows = jobs.map((job) => {
    const row = known.get(job.id);
    const kept = row && row.dataset.updatedAt === job.updatedAt ? row : jobRow(job);
    kept.classList.toggle('selected', job.id === selectedId);
    return kept;
  });
  if (current.length === rows.length && current.every((row, i) => row.dataset.id === rows[i].dataset.id)) {
    rows.forEach((row, i) => {
      if (current[i] !== row) {
        current[i].replaceWith(row); // only the jobs that changed
      }
    });
  } else {
    body.replaceChildren(...rows);
  }
  const counts = {};
  jobs.forEach((job) => { counts[job.status] = (counts[job.status] || 0) + 1; });
  $('summary').textContent = Object.entries(counts).map(([status, n]) => n + ' ' + status.toLowerCase()).join(', ');
}

function jobRow(job) {
  const row = document.createElement('tr');
  row.dataset.id = job.id;
  row.dataset.status = job.status;
  row.dataset.updatedAt = job.updatedAt;
  row.append(
      element('td', time(job.createdAt)),
      sourceCell(job),
      cell(badge(job.status)),
      element('td', job.attempts, 'number'),
      element('td', job.result ? job.result.totalWords.toLocaleString() : '', 'number words'),
      element('td', job.result ? job.result.distinctWords.toLocaleString() : '', 'number'),
      element('td', took(job), 'number'),
      cell(actions(job)));
  row.addEventListener('click', () => select(job.id));
  return row;
}

/** The source, as a button that opens the job's detail: rows take clicks, not keyboard focus. */
function sourceCell(job) {
  const open = element('button', sourceText(job), 'link');
  open.type = 'button';
  open.setAttribute('aria-label', 'Show the job of ' + sourceText(job));
  open.addEventListener('click', (event) => {
    event.stopPropagation(); // the row would select it again
    select(job.id);
  });
  const td = cell(open);
  td.className = 'source';
  return td;
}

function cell(child) {
  const td = document.createElement('td');
  td.append(child);
  return td;
}

function actions(job) {
  const span = element('span', null, 'actions');
  if (!TERMINAL.has(job.status)) {
    span.append(button('Cancel', 'cancel', () => act(job.id, 'POST', '/cancel'), 'Cancel the job of ' + sourceText(job)));
  }
  span.append(button('Delete', 'delete', () => {
    if (window.confirm('Delete the job of ' + sourceText(job) + ', created ' + time(job.createdAt)
        + ', and its result?')) {
      act(job.id, 'DELETE', '');
    }
  }, 'Delete the job of ' + sourceText(job)));
  return span;
}

function button(label, className, onClick, ariaLabel) {
  const b = element('button', label, 'quiet ' + className);
  b.type = 'button';
  b.setAttribute('aria-label', ariaLabel);
  b.addEventListener('click', (event) => {
    event.stopPropagation(); // not a click on the row
    onClick();
  });
  return b;
}

async function act(id, method, suffix) {
  try {
    await api('api/v1/jobs/' + id + suffix, {method});
    say('action-message', '');
    if (method === 'DELETE' && id === selectedId) {
      closeDetail();
    }
  } catch (e) {
    // Its own place: the list's message is rewritten by every refresh, this one stays until the next action.
    say('action-message', (method === 'DELETE' ? 'Could not delete the job: ' : 'Could not cancel the job: ') + e.message, true);
  }
  refreshJobs();
  if (id === selectedId) {
    refreshDetail();
  }
}

// ---------------------------------------------------------------------------------------- submit

function sourceKind() {
  return document.querySelector('input[name=kind]:checked').value;
}

function showSourceField() {
  const url = sourceKind() === 'url';
  $('url').hidden = !url;
  $('text').hidden = url;
}

async function submit(event) {
  event.preventDefault();
  const body = sourceKind() === 'url' ? {url: $('url').value.trim()} : {text: $('text').value};
  $('submit-button').disabled = true;
  try {
    const job = await api('api/v1/jobs', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body),
    });
    say('submit-message', 'Job ' + job.id + ' accepted.');
    select(job.id);
    refreshJobs();
  } catch (e) {
    say('submit-message', 'Not accepted: ' + e.message, true);
  } finally {
    $('submit-button').disabled = false;
  }
}

// ---------------------------------------------------------------------------------------- detail

function select(id) {
  selectedId = id;
  detailStatus = null;
  $('detail').hidden = false;
  document.querySelectorAll('#job-table tbody tr').forEach((row) => row.classList.toggle('selected', row.dataset.id === id));
  $('detail').scrollIntoView({block: 'nearest'});
  refreshDetail();
}

function closeDetail() {
  selectedId = null;
  detailStatus = null;
  $('detail').hidden = true;
  document.querySelectorAll('#job-table tbody tr.selected').forEach((row) => row.classList.remove('selected'));
}

async function refreshDetail() {
  const id = selectedId;
  if (!id) {
    return;
  }
  try {
    const job = await api('api/v1/jobs/' + id + '?top=' + TOP_WORDS);
    if (id === selectedId) {
      renderDetail(job);
      say('detail-message', '');
    }
  } catch (e) {
    if (e.status === 404 && id === selectedId) {
      detailStatus = 'GONE'; // not asked for again
    }
    say('detail-message', e.status === 404 ? 'This job is gone (deleted).' : e.message, true);
  }
}

function renderDetail(job) {
  detailStatus = job.status;
  $('detail-id').textContent = job.id;
  const fields = [['Status', badge(job.status)], ['Source', sourceText(job)], ['Created', time(job.createdAt) || null],
    ['Started', time(job.startedAt) || null], ['Finished', time(job.finishedAt) || null], ['Attempts', job.attempts]];
  if (job.result) {
    fields.push(['Words', job.result.totalWords.toLocaleString()],
        ['Distinct words', job.result.distinctWords.toLocaleString()]);
  }
  if (job.error) {
    fields.push(['Error', job.error.code + ': ' + job.error.message + (job.error.retryable ? ' (retryable)' : '')]);
  }
  const list = fields.filter(([, value]) => value !== null && value !== undefined).flatMap(([name, value]) => {
    const dd = document.createElement('dd');
    dd.append(value instanceof Node ? value : String(value));
    return [element('dt', name), dd];
  });
  $('detail-fields').replaceChildren(...list);
  const words = job.result ? job.result.topWords : [];
  const most = words.length ? words[0].count : 1;
  $('top-words').tBodies[0].replaceChildren(...words.map((w) => {
    const bar = element('div', null, 'bar');
    bar.style.width = Math.max(1, Math.round(100 * w.count / most)) + '%';
    const row = document.createElement('tr');
    row.append(element('td', w.word, 'word'), element('td', w.count, 'number'), cell(bar));
    return row;
  }));
  $('top-words').hidden = words.length === 0;
  $('download-csv').hidden = job.status !== 'SUCCEEDED';
}

async function downloadCsv() {
  const id = selectedId;
  try {
    const key = $('api-key').value.trim();
    const response = await fetch('api/v1/jobs/' + id + '/words', {
      headers: Object.assign({Accept: 'text/csv'}, key ? {Authorization: 'Bearer ' + key} : {}),
    });
    if (!response.ok) {
      let detail = null;
      try {
        detail = (await response.json()).detail;
      } catch (ignored) {
        // not a problem+json answer: said by its status
      }
      const retry = response.headers.get('Retry-After');
      throw new Error((detail || 'the service answered ' + response.status) + (retry ? ' (try again in ' + retry + ' s)' : ''));
    }
    const link = element('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = 'tally-' + id + '.csv';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (e) {
    say('detail-message', 'Could not download the words: ' + e.message, true);
  }
}

// ---------------------------------------------------------------------------------------- health

async function refreshHealth() {
  const node = $('health');
  try {
    const response = await fetch('actuator/health', {headers: {Accept: 'application/json'}});
    const health = await response.json();
    node.textContent = health.status;
    node.className = 'badge ' + health.status;
  } catch (e) {
    node.textContent = 'unreachable';
    node.className = 'badge DOWN';
  }
}

// ------------------------------------------------------------------------------------------ wiring

function tick() {
  if ($('live').checked && !document.hidden) {
    refreshJobs();
    // A finished (or deleted) job's detail no longer changes.
    if (selectedId && !TERMINAL.has(detailStatus) && detailStatus !== 'GONE') {
      refreshDetail();
    }
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('api-key').value = sessionStorage.getItem('tally.apiKey') || '';
  $('api-key').addEventListener('change', () => {
    sessionStorage.setItem('tally.apiKey', $('api-key').value.trim());
    clearJobs(); // what the previous key may see is not this key's
    refreshJobs();
  });
  document.querySelectorAll('input[name=kind]').forEach((radio) => radio.addEventListener('change', showSourceField));
  $('submit-form').addEventListener('submit', submit);
  const askAnew = () => turnPage('newest'); // another filter or size: its pages start again at the newest
  $('older').addEventListener('click', () => turnPage('older'));
  $('newer').addEventListener('click', () => turnPage('newer'));
  $('status-filter').addEventListener('change', askAnew);
  $('limit').addEventListener('change', askAnew);
  $('close-detail').addEventListener('click', closeDetail);
  $('download-csv').addEventListener('click', downloadCsv);
  showSourceField();
  refreshHealth();
  refreshJobs();
  setInterval(tick, REFRESH_MILLIS);
  setInterval(refreshHealth, HEALTH_MILLIS);
});
