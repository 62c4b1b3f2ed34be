import "./knn.js";
import "./radius.js";
import "./centroid.js";
