import "./column_transformer.js";
import "./target.js";
