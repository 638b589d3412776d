/* The default theme's small progressive enhancements; every page works without them.
   1. The menu button of narrow screens. <html class="js"> (set in <head>, before the first paint)
      folds the menu behind the button, so nothing moves when this script arrives.
   2. The table of contents marks the section being read (aria-current="location"), as NexT does.
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

  /* 3. A map wider than a phone scrolls inside its figure: start with its middle in view. */
  Array.prototype.forEach.call(document.querySelectorAll('.graph-figure'), function (figure) {
    if (figure.scrollWidth > figure.clientWidth) figure.scrollLeft = (figure.scrollWidth - figure.clientWidth) / 2;
  });

  var links = Array.prototype.slice.call(document.querySelectorAll('.post-toc a[href^="#"]'));
  if (!links.length) return;
  var targets = [];
  links.forEach(function (link) {
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    var heading = document.getElementById(id);
    if (heading && targets.indexOf(heading) === -1) targets.push(heading);
  });
  var current = null;
  function mark() {
    /* the last heading above the upper quarter of the window is the section being read */
    var line = window.innerHeight / 4, active = null;
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].getBoundingClientRect().top <= line) active = targets[i];
      else break;
    }
    if (active === current) return;
    current = active;
    links.forEach(function (link) {
      var on = active && decodeURIComponent(link.getAttribute('href').slice(1)) === active.id;
      if (on) link.setAttribute('aria-current', 'location');
      else link.removeAttribute('aria-current');
    });
  }
  var pending = false;
  window.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  }, { passive: true });
  window.addEventListener('resize', mark);
  mark();
})();
