/* The reading list: sort by a column, filter by text and reading status.
   The table is complete without this script; it only hides and reorders rows. */
(function () {
  var table = document.querySelector('table.reading-list');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('papers-filter');
  var status = document.getElementById('papers-status');
  var shown = document.getElementById('papers-shown');
  var controls = document.querySelector('.papers-filters');
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });

  var saying = document.getElementById('papers-order');

  function cellValue(row, column, kind) {
    var cell = row.cells[column];
    if (kind === 'date') return cell.getAttribute('data-value') || '';
    var text = cell.textContent.trim();
    if (kind === 'number') return text === '' ? -Infinity : parseFloat(text);
    return text.toLowerCase();
  }

  function sortBy(header, column, kind) {
    var ascending = header.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    if (saying) {  /* say the new order in words, as the page said the first one */
      saying.textContent = saying.getAttribute('data-sorted-text')
        .replace('{column}', header.textContent.trim())
        .replace('{direction}', saying.getAttribute(ascending ? 'data-ascending' : 'data-descending'));
    }
    var order = rows.map(function (row, index) { return [cellValue(row, column, kind), index, row]; });
    order.sort(function (a, b) {
      if (a[0] < b[0]) return ascending ? -1 : 1;
      if (a[0] > b[0]) return ascending ? 1 : -1;
      return a[1] - b[1];
    });
    order.forEach(function (entry) { body.appendChild(entry[2]); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
    var kind = header.getAttribute('data-sort');
    if (!kind) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort-button';
    button.textContent = header.textContent;
    header.textContent = '';
    header.appendChild(button);
    button.addEventListener('click', function () { sortBy(header, column, kind); });
  });

  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = status.value;
    var count = 0;
    rows.forEach(function (row, index) {
      var match = (!wanted || row.getAttribute('data-status') === wanted) &&
        words.every(function (word) { return texts[index].indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) count += 1;
    });
    shown.textContent = table.getAttribute('data-shown-text').replace('{n}', count).replace('{total}', rows.length);
  }

  filter.addEventListener('input', apply);
  status.addEventListener('change', apply);
  controls.hidden = false;
  apply();
})();
