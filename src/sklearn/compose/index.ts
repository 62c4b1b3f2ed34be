import "./column_transformer.js";
