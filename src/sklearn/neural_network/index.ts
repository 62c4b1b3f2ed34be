import "./mlp.js";
