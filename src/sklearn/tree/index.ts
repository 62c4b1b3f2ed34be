import "./flat_tree.js";
import "./classes.js";
