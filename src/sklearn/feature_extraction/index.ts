import "./text.js";
