// Product pickers (stockroom.catalog.widgets.ProductPicker): htmx fills the listbox as the user
// types; this file lets the user choose an option with the mouse or the keyboard (ARIA
// combobox pattern) and puts the product id into the hidden input. Event delegation on the
// document, so pickers added later (a new order line, an htmx refresh) work too.
(function () {
  "use strict";

  function parts(element) {
    var picker = element.closest("[data-product-picker]");
    if (!picker) { return null; }
    return {
      picker: picker,
      value: picker.querySelector("[data-picker-value]"),
      search: picker.querySelector("[data-picker-search]"),
      list: picker.querySelector("[data-picker-options]"),
      status: picker.querySelector("[data-picker-status]")
    };
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }

  function close(p) {
    p.list.hidden = true;
    p.search.setAttribute("aria-expanded", "false");
    p.search.removeAttribute("aria-activedescendant");
  }

  function highlight(p, option) {
    options(p).forEach(function (item) {
      var on = item === option;
      item.setAttribute("aria-selected", on ? "true" : "false");
      item.classList.toggle("active", on);
    });
    if (option) {
      p.search.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function choose(p, option) {
    p.value.value = option.dataset.value;
    p.search.value = option.dataset.label;
    close(p);
    p.status.textContent = option.dataset.label;
    // Forms that depend on the product (lot fields) refresh on "change" of the hidden input.
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // New options arrived: give them ids and open the list (the combobox announces it).
  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(event.target);
    if (!p || event.target !== p.list) { return; }
    var found = options(p);
    found.forEach(function (item, index) { item.id = p.list.id + "-" + index; });
    var empty = p.list.children.length === 0;
    p.list.hidden = empty;
    p.search.setAttribute("aria-expanded", empty ? "false" : "true");
    p.search.removeAttribute("aria-activedescendant");
  });

  // Typing replaces the choice: the id is cleared until an option is chosen again.
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-picker-search]")) { return; }
    var p = parts(event.target);
    p.value.value = "";
    if (!event.target.value.trim()) { p.list.innerHTML = ""; close(p); }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("[data-picker-search]")) { return; }
    var p = parts(event.target);
    var found = options(p);
    var current = found.indexOf(document.getElementById(p.search.getAttribute("aria-activedescendant") || ""));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!found.length) { return; }
      event.preventDefault();
      p.list.hidden = false;
      p.search.setAttribute("aria-expanded", "true");
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight(p, found[(current + step + found.length) % found.length]);
    } else if (event.key === "Enter" && !p.list.hidden && current >= 0) {
      event.preventDefault();  // choosing is not submitting the form
      choose(p, found[current]);
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      close(p);
    }
  });

  // mousedown, not click: it runs before the search box loses focus and closes the list.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker-options] [role=option]");
    if (!option || option.getAttribute("aria-disabled") === "true") { return; }
    event.preventDefault();
    choose(parts(option), option);
  });

  document.addEventListener("focusout", function (event) {
    if (!event.target.matches || !event.target.matches("[data-picker-search]")) { return; }
    close(parts(event.target));
  });
})();
