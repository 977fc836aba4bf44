"""Acme signup service (Flask): the Python half of Sealant's example project."""
import logging
import os
import uuid

import requests
from flask import Flask, request, jsonify
from werkzeug.security import generate_password_hash
from werkzeug.utils import secure_filename

from .db import db

app = Flask(__name__)
app.config["SECRET_KEY"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
log = logging.getLogger(__name__)

UPLOAD_FOLDER = os.path.join(app.root_path, "static", "uploads")
ALLOWED_EXTENSIONS = {"png", "jpg", "jpeg"}
PARTNER_URL = "http://partner-crm.com/api/customers"


def allowed_file(filename):
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@app.route("/signup", methods=["POST"])
def signup():
    email = request.form["email"]
    password = request.form["password"]
    ssn = request.form["ssn"]
    # Mistake: the SSN goes to the log.
    log.info(f"signup {email} with ssn {ssn}")
    # Mistake: password stored as typed.
    db.execute("INSERT INTO users (email, password, ssn) VALUES (?, ?, ?)", (email, password, ssn))
    # Mistake: personal data to a partner over plain HTTP, certificate checks off.
    requests.post(PARTNER_URL, json={"email": email, "ssn": ssn}, verify=False)
    return jsonify(ok=True), 201


@app.route("/signup-safe", methods=["POST"])
def signup_safe():
    email = request.form["email"]
    password_hash = generate_password_hash(request.form["password"])
    db.execute("INSERT INTO users (email, password_hash) VALUES (?, ?)", (email, password_hash))
    log.info("signup for user %s", uuid.uuid5(uuid.NAMESPACE_URL, email))
    requests.post("https://partner-crm.com/api/customers", json={"email": email}, timeout=10)
    return jsonify(ok=True), 201


@app.route("/avatar", methods=["POST"])
def avatar():
    f = request.files["avatar"]
    # Mistake: the client's file name in the path, no extension check, saved under static/.
    f.save(os.path.join(UPLOAD_FOLDER, f.filename))
    return jsonify(ok=True)


@app.route("/avatar-safe", methods=["POST"])
def avatar_safe():
    f = request.files["avatar"]
    if not allowed_file(f.filename):
        return jsonify(error="type not allowed"), 400
    name = f"{uuid.uuid4().hex}.{secure_filename(f.filename).rsplit('.', 1)[1].lower()}"
    f.save(os.path.join("/var/app-data/avatars", name))
    return jsonify(ok=True)
