/* The default theme's small progressive enhancements; every page works without them.
   1. The menu button of narrow screens. <html class="js"> (set in <head>, before the first paint)
      folds the menu behind the button, so nothing moves when this script arrives.
   2. The table of contents marks the section being read (aria-current="location"), as NexT does,
      without reading a position while the page loads.
   3. A map wider than the screen starts scrolled to its middle. */
(function () {
  var header = document.querySelector('.site-header');
  var button = header && header.querySelector('.menu-toggle');
  if (button) {
    var setOpen = function (open) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      header.classList.toggle('menu-open', open);
    };
    button.addEventListener('click', function () {
      setOpen(button.getAttribute('aria-expanded') !== 'true');
    });
    header.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
        setOpen(false);
        button.focus();
      }
    });
  }

  /* 3. A map wider than a phone scrolls inside its figure: start with its middle in view. Its
     widths are read when the browser has laid the page out (a ResizeObserver's first call): read
     here, they would force that layout while the page loads. */
  var figures = document.querySelectorAll('.graph-figure');
  if (figures.length && window.ResizeObserver) {
    var centre = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var figure = entry.target;
        if (figure.scrollWidth > figure.clientWidth) figure.scrollLeft = (figure.scrollWidth - figure.clientWidth) / 2;
      });
      centre.disconnect();
    });
    Array.prototype.forEach.call(figures, function (figure) { centre.observe(figure); });
  }

  var links = Array.prototype.slice.call(document.querySelectorAll('.post-toc a[href^="#"]'));
  if (!links.length || !window.IntersectionObserver) return;
  var targets = [];
  links.forEach(function (link) {
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    var heading = document.getElementById(id);
    if (heading && targets.indexOf(heading) === -1) targets.push(heading);
  });
  /* The last heading above the upper quarter of the window is the section being read. An
     IntersectionObserver says which headings are above that line whenever one crosses it, from the
     browser's own layout: reading positions here (getBoundingClientRect) would force a layout of the
     whole note, formulas and all, while the page is still loading. */
  var above = targets.map(function () { return false; });
  var current = null;
  function mark() {
    var active = null;
    for (var i = 0; i < targets.length && above[i]; i++) active = targets[i];
    if (active === current) return;
    current = active;
    links.forEach(function (link) {
      var on = active && decodeURIComponent(link.getAttribute('href').slice(1)) === active.id;
      if (on) link.setAttribute('aria-current', 'location');
      else link.removeAttribute('aria-current');
    });
  }
  /* The watched band runs from far above the page to a quarter of the way down the window. */
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) { above[targets.indexOf(entry.target)] = entry.isIntersecting; });
    mark();
  }, { rootMargin: '1000000px 0px -75% 0px' });
  targets.forEach(function (target) { observer.observe(target); });
})();
